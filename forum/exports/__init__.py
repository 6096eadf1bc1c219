"""Exports of the top ideas for product teams: explicit columns, CSV, XLSX and JSON writers."""
