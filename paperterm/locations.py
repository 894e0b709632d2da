"""Where paperterm keeps its files: the one module that knows about platformdirs."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path

APP_NAME = "paperterm"


def data_dir() -> Path:
    """The user data directory (honours ``XDG_DATA_HOME`` on Linux); not created here."""
    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """The user config directory (honours ``XDG_CONFIG_HOME``): preferences such as the theme
    and where the user was in each catalogue; not created here."""
    return user_config_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """The user cache directory (honours ``XDG_CACHE_HOME``): what can be rebuilt, such as
    saved search indexes; not created here."""
    return user_cache_path(APP_NAME, appauthor=False)


def default_state_path() -> Path:
    """The state file used when ``--state`` is not given."""
    return data_dir() / "state.json"


def demo_state_path() -> Path:
    """The demo catalogue's own state file: marks made in the demo never reach the real one."""
    return data_dir() / "demo-state.json"


def library_dir() -> Path:
    """Where ``paperterm add`` copies dumps to; ``paperterm`` alone opens what is there."""
    return data_dir() / "library"


def settings_path() -> Path:
    """Where the reader's preferences used to be kept (only the last export path): still read."""
    return data_dir() / "settings.json"


def config_settings_path() -> Path:
    """The reader's preferences (:mod:`paperterm.settings`), kept apart from the state."""
    return config_dir() / "settings.json"


def own_files() -> dict[Path, str]:
    """paperterm's files outside the state, each with what it is: no export may replace them
    (the state's own are :attr:`paperterm.state.StateStore.own_files`)."""
    return {
        filters_path(): "paperterm's mute rules and saved filters",
        config_settings_path(): "paperterm's settings",
        settings_path(): "paperterm's old settings file",
    }


def filters_path() -> Path:
    """Mute rules and saved filters (see :mod:`paperterm.inbox`)."""
    return config_dir() / "filters.json"
