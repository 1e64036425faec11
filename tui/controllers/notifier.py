"""Alerts: a ``notify = true`` tag rule's new stories, told as they arrive.

The screen calls ``look`` after its own refresh and when the ``Watcher`` sees
another process store stories; the look (a worker) asks
``store.search.alerts`` what came after the last story it saw, so each story
alerts once and the stories there at start never do. One toast per rule however
many stories matched ("12 new stories match 'Breaking'", the first titles below),
the bell when the terminal is not focused (``App.app_focus``, from the
terminal's focus reports), and the config's ``notify_command`` run with the
story's title as one more argument: an argument list, never a shell.
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

from textual.message import Message

from store.search.alerts import Alert, alerts_since, newest_story, notify_rules
from store.text import clean_line
from tui.config import Config
from tui.controllers import Controller
from tui.plural import counted
from tui.workers import in_thread

# Seconds the notify command may take; then it is stopped.
COMMAND_TIMEOUT = 10.0
TOAST_SECONDS = 8


def alert_words(alert: Alert) -> tuple[str, str]:
    """A toast's title and message: the rule and how many, then the first titles."""
    label = clean_line(alert.rule.label)
    if alert.count == 1:
        return f"New story matches '{label}'", alert.titles[0]
    more = alert.count - len(alert.titles)
    lines = [f"• {title}" for title in alert.titles] + ([f"… and {more} more"] if more else [])
    return f"{counted(alert.count, 'new story')} match '{label}'", "\n".join(lines)


def command_argument(alert: Alert) -> str:
    """What the notify command gets: the story's title, or for several the count and the first."""
    if alert.count == 1:
        return alert.titles[0]
    return f"{alert_words(alert)[0]}: {alert.titles[0]}"


def run_notify_command(command: list[str], argument: str) -> str | None:
    """Run ``command`` with ``argument`` added, quietly (the screen is Textual's); None
    when it ran, else one line saying why not."""
    try:
        done = subprocess.run(
            [*command, argument],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        return f"notify_command: no program {command[0]!r} (is it installed, on PATH?)"
    except subprocess.TimeoutExpired:
        return f"notify_command: {command[0]} took over {COMMAND_TIMEOUT:g} s and was stopped"
    except OSError as error:
        return f"notify_command: could not run {command[0]!r}: {error.strerror or error}"
    if done.returncode != 0:
        return f"notify_command: {command[0]} exited with status {done.returncode}"
    return None


class Notifier(Controller):
    """Tells of new stories that notify rules match: toast, bell, command."""

    class Matched(Message):
        """New stories matched notify rules: one ``Alert`` per rule."""

        def __init__(self, alerts: list[Alert]) -> None:
            super().__init__()
            self.alerts = alerts

    class CommandFailed(Message):
        """The notify command could not run; ``problem`` says why in one line."""

        def __init__(self, problem: str) -> None:
            super().__init__()
            self.problem = problem

    def __init__(self, db_path: Path, config: Config) -> None:
        super().__init__(db_path)
        self.rules = notify_rules(config.rule_set)
        self.command = config.notify_command
        self._mark = 0  # the newest story looked at
        self._looking = threading.Lock()  # one look at a time: a story alerts once
        self._failure_said = False

    def on_mount(self) -> None:
        if self.rules:
            # Where things stand as the reader opens: these stories never alert.
            db = self.open_db()
            try:
                self._mark = newest_story(db)
            finally:
                db.close()

    def look(self) -> None:
        """Look for new stories the notify rules match (nothing to do without such rules)."""
        if self.rules:
            self._look()

    @in_thread("alerts")
    def _look(self) -> None:
        with self._looking:
            db = self.open_db()
            try:
                self._mark, alerts = alerts_since(db, self._mark, self.rules)
            finally:
                db.close()
        if alerts:
            self.post_message(self.Matched(alerts))

    def on_notifier_matched(self, message: Notifier.Matched) -> None:
        """A toast per rule; the bell once if the terminal is not focused; the command."""
        for alert in message.alerts:
            title, text = alert_words(alert)
            self.notify(text, title=title, timeout=TOAST_SECONDS, markup=False)
            if self.command:
                self._run(command_argument(alert))
        if not self.app.app_focus:
            self.app.bell()

    @in_thread("notify-command")
    def _run(self, argument: str) -> None:
        problem = run_notify_command(self.command, argument)
        if problem is not None:
            self.post_message(self.CommandFailed(problem))

    def on_notifier_command_failed(self, message: Notifier.CommandFailed) -> None:
        """Said once a session: a missing program would otherwise be said at every story."""
        if not self._failure_said:
            self._failure_said = True
            self.notify(message.problem, severity="warning", timeout=10, markup=False)
