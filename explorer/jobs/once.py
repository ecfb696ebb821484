"""A task that polls in rounds runs each round once, though Redis delivers one again.

Tasks are acknowledged late (CELERY_TASK_ACKS_LATE): Redis holds a task's message until the
worker acknowledges it, and delivers it again after the visibility timeout when it never is.
Redis going away between a task's work and its acknowledgement loses the acknowledgement, so
the message comes back though the work was done. A task whose success is stored is then not run
again (Celery's CELERY_WORKER_DEDUPLICATE_SUCCESSFUL_TASKS). But a task that polls in rounds
(each a retry of itself, under the same task id) is not done yet when a round sent the next one
and lost its acknowledgement: that round delivered again would start a second chain of rounds
beside the first (and send every node its task again). So each round claims its number in Redis
for the message that carries it (`begin_round`): a round whose number, or a later one, another
message has begun is not run (`Ignore`: acknowledged, no second success logged); a copy of the
same message (delivered again because its worker or Redis died under it) runs again, as it must.
"""

from __future__ import annotations

from celery import Task
from celery.exceptions import Ignore

ROUNDS_KEY = "explorer:rounds:"
FIRST_ROUND = "first"  # the id of a task's first round: the message its caller sent
KEEP_SECONDS = 24 * 3600  # longer than any collection and its visibility timeout

# KEYS[1]: the task's rounds; ARGV: the round's number and id (its message's), seconds to keep.
# The key holds "<number> <id>" of the latest round begun. Returns 1 when this round may run.
_CLAIM = """
local held = redis.call('GET', KEYS[1])
local number = tonumber(ARGV[1])
if held then
    local space = string.find(held, ' ', 1, true)
    local begun = tonumber(string.sub(held, 1, space - 1))
    if begun > number then return 0 end
    if begun == number and string.sub(held, space + 1) ~= ARGV[2] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2], 'EX', tonumber(ARGV[3]))
return 1
"""


def begin_round(task: Task, number: int, round_id: str) -> None:
    """Claim round `number` of this task for the message whose round is `round_id` (a fresh
    id in each message that sends a round; FIRST_ROUND in the caller's), or raise Ignore
    (another message began this round or a later one)."""
    if task.request.is_eager:
        return
    client = task.app.backend.client
    claimed = client.eval(_CLAIM, 1, ROUNDS_KEY + task.request.id, number, round_id, KEEP_SECONDS)
    if not claimed:
        raise Ignore()
