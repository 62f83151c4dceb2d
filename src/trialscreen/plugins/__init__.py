"""The plugin system: the hook contract (`hookspecs`), the records hooks return (`types`), and the one class
that talks to pluggy (`manager`)."""
