// Heap profile fixture for profconv's pprof tests: four sample types (alloc_objects,
// alloc_space, inuse_objects, inuse_space), every allocation recorded (MemProfileRate = 1),
// numeric "bytes" labels per sample. Goroutine labels are set too, though Go's heap profile
// does not record them.
package main

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
)

var keep [][]byte

//go:noinline
func small(n int) {
	for i := 0; i < n; i++ {
		keep = append(keep, make([]byte, 64))
	}
}

//go:noinline
func large(n int) {
	for i := 0; i < n; i++ {
		b := make([]byte, 16384)
		if i%2 == 0 {
			keep = append(keep, b)
		}
	}
}

//go:noinline
func tree(depth int) []byte {
	if depth == 0 {
		return make([]byte, 256)
	}
	keep = append(keep, tree(depth-1))
	return make([]byte, 32)
}

func main() {
	runtime.MemProfileRate = 1
	pprof.Do(context.Background(), pprof.Labels("phase", "alloc"), func(context.Context) {
		small(100)
		large(10)
		tree(5)
	})
	runtime.GC()
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		panic(err)
	}
	f.Close()
	runtime.KeepAlive(keep)
}
