# The atheris harnesses are programs, not tests.
collect_ignore = ["fuzz_loader.py", "fuzz_ics.py"]
