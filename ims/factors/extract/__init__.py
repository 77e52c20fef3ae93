"""Extraction of factor sets from the publishers' official tables into the IMS data format."""
