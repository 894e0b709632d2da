"""The app's widgets: the list pane, the detail pane and the filter bar."""
