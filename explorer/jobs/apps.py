from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "explorer.jobs"
    label = "jobs"

    def ready(self) -> None:
        from explorer.streaming.consumers import serve_progress_from

        from .progress import alatest_progress

        # A tab that follows a task after it began hears at once where it stands.
        serve_progress_from(alatest_progress)
