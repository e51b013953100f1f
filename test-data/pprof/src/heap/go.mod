module profconv.test/heap

go 1.19
