"""An interactive terminal client (pgcli, psql with readline) in a detached tmux session.

Keys go in with send-keys, the screen comes back with capture-pane. The tmux server uses a socket
in the test's temporary folder and is killed by close(). Waiting polls the screen; a deadline only
bounds a hung client.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path


class TmuxTerminal:
    """One program running in a 250x60 tmux window."""

    def __init__(self, folder: Path, command: str) -> None:
        self.socket = str(folder / "tmux.sock")
        self._tmux("new-session", "-d", "-s", "client", "-x", "250", "-y", "60", command)

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True, check=True,
                              timeout=30).stdout

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", "client", "-l", text)

    def press(self, *keys: str) -> None:
        """tmux key names: Enter, Tab, C-c …"""
        for key in keys:
            self._tmux("send-keys", "-t", "client", key)

    def screen(self) -> str:
        """The pane with its scrollback, wrapped lines joined."""
        return self._tmux("capture-pane", "-p", "-J", "-S", "-5000", "-t", "client")

    def wait_for(self, predicate: Callable[[str], bool], deadline_s: float = 60.0) -> str:
        end = time.monotonic() + deadline_s
        while True:
            text = self.screen()
            if predicate(text):
                return text
            if time.monotonic() > end:
                raise AssertionError(f"the screen never matched; last screen:\n{text[-3000:]}")
            time.sleep(0.2)

    def complete(self, partial: str, until: str, tabs: int = 1, deadline_s: float = 60.0) -> str:
        """Type `partial` on a fresh line and press Tab `tabs` times, until the completions shown after it
        include `until` (retried: completion data may still be loading); the line is then cleared."""
        end = time.monotonic() + deadline_s
        try:
            while True:
                self.press("C-c")
                echo = partial[:12]
                before = self.screen().count(echo)
                self.type(partial)
                for _ in range(tabs):
                    self.press("Tab")
                    time.sleep(0.3)  # readline treats Tabs arriving together as one
                try:
                    # generous: the completion query may be slow on a loaded machine, and C-c would abort it
                    return self.wait_for(self._shows_after(echo, before, until), deadline_s=10.0)
                except AssertionError:
                    if time.monotonic() > end:
                        raise
        finally:
            self.press("C-c")

    @staticmethod
    def _shows_after(echo: str, before: int, until: str) -> Callable[[str], bool]:
        """True once `until` appears after the (before+1)-th `echo`: what this attempt printed (pgcli's menu
        below the line, or readline's list followed by the line again)."""
        return lambda text: until in echo.join(text.split(echo)[before + 1:])

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True, timeout=30)
