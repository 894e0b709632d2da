"""The reader's App: it wires the catalogue and the state store to the main screen, nothing more.

The work happens in :class:`~paperterm.ui.screens.main.MainScreen` (keys, list, detail, status)
and below it in the Textual-free :mod:`paperterm.triage` model.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path

from textual import constants, events
from textual.app import App, SystemCommand
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from paperterm import settings
from paperterm.catalog import Catalog
from paperterm.sanitize import clean_paste, printable
from paperterm.state import StateStore
from paperterm.ui.commands import palette_commands
from paperterm.ui.screens.dialog import Dialog
from paperterm.ui.screens.main import Fetcher, MainScreen
from paperterm.ui.widgets.filter_bar import FilterBar


class PapertermApp(App[None]):
    """The triage reader over one catalogue and one state file."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "paperterm"
    RELOAD_SECONDS = 2.0
    """How often to look for marks changed by another process."""
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 - Textual declares it without ClassVar
        (0, "-narrow"),
        (100, "-wide"),
    ]

    def __init__(
        self,
        catalog: Catalog,
        store: StateStore,
        *,
        notices: Sequence[str] = (),
        export_path: Path | None = None,
        banner: str | None = None,
        fetcher: Fetcher | None = None,
        place_key: str = settings.LIBRARY,
        restore: bool = False,
    ) -> None:
        super().__init__()
        self.catalog = catalog
        """Every loaded paper."""
        self.store = store
        """Read and starred marks; every change is saved through it at once."""
        self.notices = tuple(notices)
        """One-line messages shown at start (the store's own notices are shown as well)."""
        self.banner = banner
        """A line kept on screen above the status line (how to load real dumps, on the demo)."""
        self.export_path = export_path
        """Default file for ``e``; None: the remembered one, else ``starred.bib`` here."""
        self.fetcher = fetcher
        """Fetches today's papers for the fetch command (None: no such command)."""
        self.place_key = place_key
        """Which catalogue this is, for what is remembered of it (:mod:`paperterm.settings`)."""
        self.restore = restore
        """Reopen where the user was last time, in the theme chosen then."""
        self._main: MainScreen | None = None
        self._typed_over: weakref.WeakKeyDictionary[events.Key, Screen[object]] = (
            weakref.WeakKeyDictionary()
        )
        """The screen on top when each key still on its way was typed (see :meth:`on_event`)."""

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver, but on Linux and macOS the reader's own
        (:class:`~paperterm.ui.driver.ReaderDriver`: a paste read whole, a key handed over
        sooner), unless ``TEXTUAL_DRIVER`` names one (Textual's own included: the way back
        to it). That is a developer's switch, not a user's: Textual's own driver reads the
        escape sequences inside a paste as keys (a pasted ``ESC P s ...`` stars a paper), which
        the reader's driver exists to prevent."""
        driver = super().get_driver_class()
        if sys.platform != "win32" and constants.DRIVER is None:
            from textual.drivers.linux_driver import LinuxDriver

            from paperterm.ui.driver import ReaderDriver

            if driver is LinuxDriver:
                return ReaderDriver
        return driver

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Textual's notification, its message and title shown safely, line by line
        (:func:`~paperterm.sanitize.printable`): they carry paths, titles and errors from
        files, and a toast draws what it is given, escape sequences included."""
        shown = "\n".join(printable(line) for line in message.split("\n"))
        super().notify(
            shown, title=printable(title), severity=severity, timeout=timeout, markup=markup
        )

    def get_default_screen(self) -> MainScreen:
        """The main screen, made when the app starts (so settings made before ``run`` count)."""
        self._main = MainScreen(
            self.catalog,
            self.store,
            notices=self.notices,
            export_path=self.export_path,
            banner=self.banner,
            reload_seconds=self.RELOAD_SECONDS,
            fetcher=self.fetcher,
            place_key=self.place_key,
            restore=self.restore,
        )
        return self._main

    def on_mount(self) -> None:
        """Take the theme chosen last time, and keep the one chosen from now on. A SIGTERM
        (``kill``, a session manager) ends the reader as quitting does, the terminal given
        back (Textual left it in the reader's screen, the mouse reported); every change was
        saved when it was made."""
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.exit)
        if self.restore:
            theme = settings.load().theme
            if theme is not None and theme in self.available_themes:
                self.theme = theme
        self.theme_changed_signal.subscribe(self, self._keep_theme)

    async def on_event(self, event: events.Event) -> None:
        """A key typed into the filter bar of the main screen (nothing on top of it, nothing
        maximized, no key waiting in the bar's queue, no message being handled by it) is
        handed to the bar here, after the priority bindings were checked as Textual checks
        them, instead of being posted to the bar's message queue: the hop from the app's
        queue to the bar's took about 0.3-0.4 ms of CPU of each key (1.4 -> 1.05 ms from the
        driver to the bar's edit, on the shared dumps). A character the bar takes in skips
        the priority check (:meth:`FilterBar.takes_in`: no priority binding can take it). Every
        other event, and a key when any of that does not hold, goes Textual's way. Textual
        private API (pinned below 9):
        ``App._check_bindings``, ``Screen._clear_tooltip`` and what
        :meth:`FilterBar.take_key` uses; tests/test_ui_key_path.py checks the keys that take
        this path, the ones that must not (a dialog, the palette), the priority keys and
        bursts.

        A key typed before a dialog opened, which comes back to the app from the widget it was
        forwarded to once the dialog is there, is read again, as typed over the dialog: ``T r
        l Enter`` in one burst types "rl" into the tags (see also ``Dialog.on_key``).

        A paste is cleaned here, whichever driver read it, before any input field of any
        screen draws it (:func:`~paperterm.sanitize.clean_paste`: the terminal hands a paste
        over as it came, escape sequences included)."""
        if isinstance(event, events.Paste):
            event.text = clean_paste(event.text)
        elif type(event) is events.Key and event.is_forwarded:
            top = self.screen
            if isinstance(top, Dialog) and self._typed_over.get(event, top) is not top:
                # Typed before the dialog that a key ahead of it opened: read again, over it.
                self.post_message(events.Key(event.key, event.character))
                return
        elif type(event) is events.Key:
            self._typed_over[event] = self.screen
            if (
                self.app_focus
                and self._main is not None
                and self.screen is self._main
                and self._main.maximized is None
            ):
                bar = self.focused
                if isinstance(bar, FilterBar) and bar.ready_for_key():
                    if not bar.takes_in(event) and await self._check_bindings(
                        event.key, priority=True
                    ):
                        return
                    self._main._clear_tooltip()
                    await bar.take_key(event)
                    return
        await super().on_event(event)

    def _keep_theme(self, theme: Theme) -> None:
        try:
            if settings.load().theme != theme.name:
                settings.remember_theme(theme.name)
        except (OSError, ValueError) as error:
            self.notify(f"Could not keep the theme: {error}", severity="warning", markup=False)

    @property
    def main(self) -> MainScreen:
        """The main screen (once the app runs)."""
        if self._main is None:
            raise RuntimeError("the app is not running")
        return self._main

    async def action_quit(self) -> None:
        """Quit (q, ctrl+q, the palette): the visit ends, so the papers loaded are new no more.
        A killed or crashed reader never gets here and ends nothing. Where the user was in this
        catalogue is remembered for the next start. While another paperterm holds the state
        file, quitting waits for the changes to be saved (see ``MainScreen.ready_to_quit``)."""
        if self._main is not None and not self._main.ready_to_quit():
            return  # changes wait for another paperterm: it quits once they are saved
        await super().action_quit()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """What the main screen can do now (when the palette opens over it, not over a dialog,
        whose answer a command run behind it could undo), then the theme. Textual's other
        entries are left out: its Keys panel is a second, poorer help (``?``), Maximize and
        Screenshot have no use in a reader, and its Quit repeats ``q``."""
        if self._main is not None and screen is self._main:  # over a dialog: not behind it
            yield from palette_commands(self._main)
        yield SystemCommand(
            "Theme", "Change the colours (kept for the next start)", self.action_change_theme
        )


def run_app(
    catalog: Catalog,
    store: StateStore,
    *,
    notices: Sequence[str] = (),
    banner: str | None = None,
    fetcher: Fetcher | None = None,
    place_key: str = settings.LIBRARY,
) -> None:
    """Open the triage app over ``catalog`` where the user left catalogue ``place_key`` last
    time, and return when the user quits. Changes given up at quitting (another paperterm held
    the state file and the user pressed q twice) are named on standard error."""
    app = PapertermApp(
        catalog,
        store,
        notices=notices,
        banner=banner,
        fetcher=fetcher,
        place_key=place_key,
        restore=True,
    )
    app.run()
    if app._main is not None:
        for change in app._main.given_up:
            print(printable(f"paperterm: warning: not saved: {change}"), file=sys.stderr)
