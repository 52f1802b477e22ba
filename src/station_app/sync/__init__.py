"""Sync bundles: identities and keys, bundle writer and reader, verification, merge, reference data, restore."""
