"""Energy baselines and energy performance indicators (the ISO 50001 / ISO 50006 method).

Pure calculations, independent of storage: heating and cooling degree days
from a temperature series, ordinary least-squares baselines with the
statistics that show whether a model may be used, expected versus actual
consumption over a reporting period, savings and the CUSUM chart. Evidence
for ISO 14001 9.1.1 where energy use is a significant environmental aspect.
"""
