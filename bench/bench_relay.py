"""The live relay between processes (bot/engine/relay.py): many answers streamed at once on one process,
each token relayed through PostgreSQL NOTIFY to a second relay (standing for a process holding the
sockets). Prints how many notifications carried how many events, and how long the relay took beyond
the writing itself.

    python bench/bench_relay.py [--conversations 50] [--tokens 60] [--every 0.02] [--database postgresql://root@127.0.0.1:5432/postgres]

Each conversation sends "typing", then `--tokens` tokens `--every` s apart (a model writing), then its
stored reply's notification; the run ends when the other relay heard every reply. Neighbouring tokens
of a conversation go as one notification only when the writer is behind (otherwise each goes at once).

Measured 2026-12-02 on this 2-core machine (shared with other work; both relays in one process):
  50 conversations x 60 tokens, 20 ms apart (2,500 tokens/s offered): 3,000 tokens + 50 typing + 50
  replies as 3,100 notifications; 1.28 s for 1.2 s of writing (the relay keeps up: nothing batched).
  200 conversations x 60 tokens, 5 ms apart (40,000 tokens/s offered): 12,000 tokens + 200 + 200 as
  7,364 notifications; 2.54 s for 0.3 s of writing (behind: tokens batched, one round trip per batch).
  A second run while a test suite shared the cores: 3,100 notifications in 1.79 s; 5,800 in 6.85 s.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from bot.core.messages import LiveEvent, LiveKind
from bot.engine.relay import PostgresRelay


async def run(*, database: str, conversations: int, tokens: int, every: float) -> None:
    sender, receiver = PostgresRelay(conninfo=database, origin="sender"), PostgresRelay(conninfo=database, origin="receiver")
    heard = {"live": 0, "replies": 0}

    async def live(_: str, __: LiveEvent) -> None:
        heard["live"] += 1

    async def reply(_: str, __: int) -> None:
        heard["replies"] += 1

    receiver.on_live(live)
    receiver.on_message(reply)
    listener = asyncio.ensure_future(receiver.listen())
    await asyncio.wait_for(receiver.listening.wait(), 10)
    for n in range(conversations):  # a socket on each conversation, held by the receiving process
        await receiver.watch(f"c{n}")

    async def conversation(n: int) -> None:
        sender.send_live(f"c{n}", LiveEvent(LiveKind.TYPING))
        for t in range(tokens):
            sender.send_live(f"c{n}", LiveEvent.token(f"word{t} "))
            await asyncio.sleep(every)
        await sender.send(f"c{n}", n)

    start = time.perf_counter()
    await asyncio.gather(*(conversation(n) for n in range(conversations)))
    while heard["replies"] < conversations:
        await asyncio.sleep(0.01)
    took = time.perf_counter() - start
    listener.cancel()
    await sender.close()
    await receiver.close()
    print(f"{conversations} conversations x {tokens} tokens, {every * 1000:g} ms apart: {conversations * tokens} tokens + "
          f"{conversations} typing + {conversations} replies as {heard['live'] + heard['replies']} notifications; "
          f"{took:.2f} s for {tokens * every:.2f} s of writing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--tokens", type=int, default=60)
    parser.add_argument("--every", type=float, default=0.02)
    parser.add_argument("--database", default="postgresql://root@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    asyncio.run(run(database=args.database, conversations=args.conversations, tokens=args.tokens, every=args.every))


if __name__ == "__main__":
    main()
