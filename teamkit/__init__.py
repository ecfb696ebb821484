"""The team install run as local processes, for the fault tests (tests/faults/) and the fault
benchmark (bench/faults.py): a private `redis-server`, the project's API server, `manage.py web`,
`manage.py watch`, Celery workers and beat, and a websocket tab watching the overview from
outside. Not part of the app (not installed with it); bench/ and tests/ both import it.
"""
