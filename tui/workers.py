"""Thread workers that belong to the App, and the one place their failures end.

Textual tells only a worker's own node how it ended (``Worker.StateChanged``
does not bubble). Every worker in the reader is started on the App through
``in_thread``, so that ``report_failure``, called from the App's one
``on_worker_state_changed``, sees every failure on every screen and turns it
into a notification instead of a crash or silence. Workers hand their results
back as messages to the node that started them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from textual.app import App
from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

P = ParamSpec("P")
N = TypeVar("N", bound=DOMNode)

# Errors that say something to a programmer only: shown with their type's name.
PROGRAMMING_ERRORS = (AttributeError, IndexError, KeyError, NameError, TypeError)


def in_thread(
    group: str, *, exclusive: bool = False
) -> Callable[[Callable[Concatenate[N, P], None]], Callable[Concatenate[N, P], Worker[None]]]:
    """Run the decorated method in a thread worker of the App (``exit_on_error=False``).

    ``exclusive`` cancels the group's running worker first (a newer view, a newer search).
    The worker's description is the method's name: Textual's own is the ``repr`` of the
    call, arguments and all, made on the screen's thread (the 500,000 ids a look for the
    next unread story takes: ~95 ms of the screen's CPU before ``space`` could answer).
    """

    def decorator(
        method: Callable[Concatenate[N, P], None],
    ) -> Callable[Concatenate[N, P], Worker[None]]:
        @wraps(method)
        def start(node: N, *args: P.args, **kwargs: P.kwargs) -> Worker[None]:
            return node.app.run_worker(
                partial(method, node, *args, **kwargs),
                name=method.__name__,
                group=group,
                description=method.__qualname__,
                exclusive=exclusive,
                thread=True,
                exit_on_error=False,
            )

        return start

    return decorator


def failure_text(error: BaseException) -> str:
    """What a notification says about a failure: the message, or the type and the message."""
    text = str(error)
    if not text or isinstance(error, PROGRAMMING_ERRORS):
        return f"{type(error).__name__}: {text}".rstrip(": ")
    return text


def report_failure(app: App[Any], event: Worker.StateChanged) -> None:
    """A worker that failed becomes an error notification; the reader keeps running."""
    if event.state == WorkerState.ERROR and event.worker.error is not None:
        app.notify(
            failure_text(event.worker.error),
            title="Something failed",
            severity="error",
            markup=False,
        )
