"""The columnar (fleet) engine: the same rule files compiled to Polars expressions over tables."""
