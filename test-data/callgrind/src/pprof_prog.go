// Small Go program that writes a CPU profile for the `go tool pprof -callgrind` fixture.
package main

import (
	"os"
	"runtime/pprof"
	"time"
)

var sink int

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func spin(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
		sink += fib(18)
	}
}

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	pprof.StartCPUProfile(f)
	spin(300 * time.Millisecond)
	sink += fib(30)
	pprof.StopCPUProfile()
	f.Close()
}
