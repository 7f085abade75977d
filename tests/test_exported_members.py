import ira30d


def test_all_is_exactly_the_public_names():
    public = {n for n in dir(ira30d) if not n.startswith("_")} - {"annotations"}
    assert set(ira30d.__all__) == public | {"__version__"}
    for name in set(ira30d.__all__) - {"__version__"}:
        assert getattr(ira30d, name).__module__.startswith("ira30d"), name


def test_exported_objects_come_from_private_modules():
    for name in set(ira30d.__all__) - {"__version__"}:
        obj = getattr(ira30d, name)
        mod = getattr(obj, "__module__", "ira30d")
        assert mod == "ira30d" or mod.split(".")[1].startswith("_"), (name, mod)
