// CPU profile fixture for profconv's pprof tests: recursion (fib), inlined helpers
// (square, mix are small enough for the Go compiler to inline) and goroutine labels.
package main

import (
	"context"
	"os"
	"runtime/pprof"
	"time"
)

var sink int

func square(x int) int { return x * x }

func mix(a, b int) int { return square(a)^b + 1 }

//go:noinline
func fib(n int) int {
	if n < 2 {
		return mix(n, n)
	}
	return fib(n-1) + fib(n-2)
}

//go:noinline
func spin(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < 1000; i++ {
			sink += mix(i, sink)
		}
	}
}

//go:noinline
func work(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
		sink += fib(20)
	}
}

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	pprof.Do(context.Background(), pprof.Labels("phase", "recursive"), func(context.Context) {
		work(600 * time.Millisecond)
	})
	pprof.Do(context.Background(), pprof.Labels("phase", "flat", "worker", "1"), func(context.Context) {
		spin(400 * time.Millisecond)
	})
	pprof.StopCPUProfile()
	f.Close()
}
