module profconv.test/cpu

go 1.19
