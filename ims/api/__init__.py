"""The REST API under /api/v1: assembly, authentication, pagination, problem details.

Each concept keeps its endpoints in its own ``api.py`` (a Ninja router); this
package wires them together and owns the cross-cutting contract.
"""
