"""python -m benchmarks: runs every benchmark and prints its numbers. None of them asserts a time.

The releases benchmark writes a million attempts first (about three minutes), publishes their monthly releases,
measures their errors and times the dashboard; run it alone with `python -m benchmarks.releases --attempts N` for
a quicker look (`python -m benchmarks.dashboard` does the same without measuring the errors)."""

from . import load, login_timing, pages, releases

if __name__ == "__main__":
    login_timing.main()
    pages.main()
    load.main([])  # the quiz step under wrk against a bare handler, uvicorn, SQLite (about 4 minutes)
    releases.main()
