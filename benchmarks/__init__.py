"""Performance benchmarks: synthetic data at scale (generate), one AppTest run per process (worker), the
table and JSON of every size and page (run), and cProfile hotspots of the slowest cases (profile)."""
