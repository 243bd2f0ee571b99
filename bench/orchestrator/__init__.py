"""The benchmark orchestrator behind bench/run.py (Python 3.11, standard library only)."""
