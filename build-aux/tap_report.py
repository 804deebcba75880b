"""Prints a build-aux checker's results as TAP (meson's test protocol 'tap')."""


def report(results):
    """Prints @results, a list of (ok, name) pairs, and returns the exit status: 1 when a check
    failed or when there was none to run."""
    for number, (ok, name) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {number} - {name}")
    print(f"1..{len(results)}")
    return 0 if results and all(ok for ok, _ in results) else 1
