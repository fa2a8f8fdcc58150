"""End-to-end tests: the fixtures (``standin``, ``bot_env``, ``run_bot``, ...) come from the
pytest plugin ``standin.pytest_plugin``, loaded for every test run by pyproject.toml."""
