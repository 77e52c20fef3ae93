from django.apps import AppConfig


class ProcessesConfig(AppConfig):
    name = "ims.processes"
    label = "processes"
    verbose_name = "Processes of the management system (4.4)"

    def ready(self) -> None:
        from ims.processes import checks  # noqa: F401  (registers the 4.4 readiness check)
        from ims.processes.selectors import processes_visible_to
        from ims.readiness.evidence import by_visible_id, register_type

        register_type("processes.process", "Process", by_visible_id(processes_visible_to), "processes:detail")
