"""python -m benchmarks: runs every benchmark and prints its numbers. None of them asserts a time.

The dashboard benchmark writes a million attempts first (about three minutes); run it alone with
`python -m benchmarks.dashboard --attempts N` for a quicker look."""

from . import dashboard, login_timing, pages

if __name__ == "__main__":
    login_timing.main()
    pages.main()
    dashboard.main()
