#!/usr/bin/env python3
"""The desktop file says DBusActivatable=true: a session bus starts VerifyDesk from its D-Bus
service file (data/*.service.in, with the build's binary), the app opens its window, and a
second `verifydesk --history` or `--training` talks to that running instance. Runs under Xvfb
on a private bus of its own, which it stops at the end."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import Tap  # noqa: E402

APP = os.environ["VERIFYDESK_APP"]
SERVICE_IN = os.environ["VERIFYDESK_SERVICE_IN"]
APP_ID = "io.github.verifydesk.VerifyDesk"
OBJECT_PATH = "/" + APP_ID.replace(".", "/")
WAIT_S = 20

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={folder}</listen>
  <servicedir>{folder}/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class Session:
    """A dbus-daemon whose only service is VerifyDesk, from the service file the build installs
    with its Exec pointing at the build's binary."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="vd-test-dbus-activation-")
        os.mkdir(os.path.join(self.folder, "services"))
        with open(SERVICE_IN, encoding="utf-8") as f:
            service = f.read().replace("@bindir@/verifydesk", APP)
        with open(os.path.join(self.folder, "services", f"{APP_ID}.service"), "w",
                  encoding="utf-8") as f:
            f.write(service)
        config = os.path.join(self.folder, "session.conf")
        with open(config, "w", encoding="utf-8") as f:
            f.write(BUS_CONFIG.format(folder=self.folder))
        self.env = dict(os.environ, VERIFYDESK_DATA_DIR=os.path.join(self.folder, "data"))
        self.env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        self.bus = subprocess.Popen(["dbus-daemon", "--config-file", config, "--nofork",
                                     "--nopidfile", "--print-address=1"],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                    text=True, env=self.env)
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self.bus.stdout.readline().strip()

    def gdbus(self, *args):
        return subprocess.run(["gdbus", "call", "--session", *args], env=self.env,
                              capture_output=True, text=True, timeout=WAIT_S)

    def app_call(self, interface_method, *args, path=OBJECT_PATH):
        return self.gdbus("--dest", APP_ID, "--object-path", path, "--method",
                          interface_method, *args)

    def has_owner(self):
        result = self.gdbus("--dest", "org.freedesktop.DBus", "--object-path",
                            "/org/freedesktop/DBus", "--method",
                            "org.freedesktop.DBus.NameHasOwner", APP_ID)
        return result.stdout.strip() == "(true,)"

    def windows(self):
        result = subprocess.run(["gdbus", "introspect", "--session", "--dest", APP_ID,
                                 "--object-path", f"{OBJECT_PATH}/window"], env=self.env,
                                capture_output=True, text=True, timeout=WAIT_S)
        return re.findall(r"node (\d+)", result.stdout)

    def run_app(self, *args):
        return subprocess.run([APP, *args], env=self.env, capture_output=True, text=True,
                              timeout=WAIT_S)

    def stop(self):
        if self.has_owner():
            self.app_call("org.freedesktop.Application.ActivateAction", "quit", "[]", "{}")
            wait_until(lambda: not self.has_owner())
        self.bus.terminate()
        self.bus.wait(timeout=WAIT_S)
        shutil.rmtree(self.folder, ignore_errors=True)


def wait_until(predicate):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def main():
    tap = Tap()
    session = Session()
    try:
        def activation_starts_the_app():
            result = session.app_call("org.freedesktop.Application.Activate", "{}")
            assert result.returncode == 0, result.stderr
            assert session.has_owner()
            assert wait_until(lambda: len(session.windows()) == 1), session.windows()
            actions = session.app_call("org.gtk.Actions.List")
            for action in ("quit", "preferences", "history", "about"):
                assert f"'{action}'" in actions.stdout, actions.stdout
        tap.check("the session bus starts VerifyDesk from its service file and it opens its "
                  "window", activation_starts_the_app)

        def history_goes_to_the_running_app():
            result = session.run_app("--history")
            assert result.returncode == 0, (result.returncode, result.stderr)
            assert wait_until(lambda: len(session.windows()) == 2), session.windows()
            # A second time brings the same history window back.
            assert session.run_app("--history").returncode == 0
            time.sleep(0.5)
            assert len(session.windows()) == 2, session.windows()
        tap.check("verifydesk --history opens the history in the running VerifyDesk",
                  history_goes_to_the_running_app)

        def training_refused_while_running():
            result = session.run_app("--training")
            assert result.returncode == 1, (result.returncode, result.stderr)
            assert "already running" in result.stderr, result.stderr
        tap.check("verifydesk --training says it cannot change a running VerifyDesk",
                  training_refused_while_running)

        def quit_ends_it():
            result = session.app_call("org.freedesktop.Application.ActivateAction", "quit",
                                      "[]", "{}")
            assert result.returncode == 0, result.stderr
            assert wait_until(lambda: not session.has_owner())
        tap.check("the quit action over D-Bus ends the service", quit_ends_it)
    finally:
        session.stop()

    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
