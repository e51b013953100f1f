# stackprof fixture workload: recursion (fib), allocation (alloc), a method of a class (parse).
# usage: ruby work.rb MODE OUT RAW   (MODE cpu|wall|object, RAW true|false)
require 'stackprof'

def fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2)
def alloc(n) = Array.new(n) { |i| "s#{i}" }

class Parser
  def parse(text) = text.split(',').map { |x| Integer(x) }.sum
end

def work(size)
  fib(18 + size)
  alloc(200 * size)
  Parser.new.parse((1..(200 * size)).to_a.join(','))
  sleep 0.002
end

mode = ARGV[0].to_sym
size = mode == :object ? 1 : 6
StackProf.run(mode: mode, raw: ARGV[2] == 'true', interval: mode == :object ? 1 : 1000,
              out: ARGV[1]) do
  (mode == :object ? 2 : 30).times { work(size) }
end
