"""A minimal TAP producer for the Python tests (the same protocol the C tests speak)."""

import sys
import traceback


class Tap:
    def __init__(self):
        self.count = 0
        self.failed = 0

    def check(self, name, function):
        self.count += 1
        try:
            function()
        except Exception:  # a failed check, whatever raised
            self.failed += 1
            print(f"not ok {self.count} - {name}")
            for line in traceback.format_exc().splitlines():
                print(f"# {line}")
        else:
            print(f"ok {self.count} - {name}")
        sys.stdout.flush()

    def finish(self):
        print(f"1..{self.count}")
        return 1 if self.failed or self.count == 0 else 0
