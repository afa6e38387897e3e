"""The demo: fictitious content (data/*.toml, read by data.py) and its loader (loader.py),
for `make demo` and the tests. An app of its own, so that the kernel (cms.base) never
imports the apps."""
