"""Fakes and factories shared by the tests."""
