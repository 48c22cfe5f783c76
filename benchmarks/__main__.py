"""python -m benchmarks: runs every benchmark and prints its numbers. None of them asserts a time."""

from . import login_timing

if __name__ == "__main__":
    login_timing.main()
