"""The benchmark smoke test is marked `bench_smoke` so that it can be left out (-m "not bench_smoke")."""


def pytest_configure(config):
    config.addinivalue_line("markers", "bench_smoke: runs benchmarks/run_all.py --quick on tiny sizes (about 30 s)")
