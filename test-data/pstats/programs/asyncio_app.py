"""asyncio tasks awaiting each other, so the event loop's frames show up."""
import asyncio


async def fetch(i):
    await asyncio.sleep(0)
    return sum(range(i * 100))


async def gather_all():
    results = await asyncio.gather(*(fetch(i) for i in range(50)))
    return sum(results)


def main():
    return asyncio.run(gather_all())


if __name__ == "__main__":
    main()
