"""FairSlots: the -j slots shared side by side are handed out first come, first served."""
import threading
import time
import unittest

from sockspec.engine.slots import FairSlots


def wait_until(predicate, timeout=5.0):
    """Poll a condition the test cannot be notified of (a thread blocking inside
    acquire); fails the test rather than hanging."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.001)


class FairSlotsTest(unittest.TestCase):
    def test_waiters_are_served_in_the_order_they_asked(self):
        slots = FairSlots(1)
        order, threads = [], []
        slots.acquire()                              # the slot is taken
        for name in ("first", "second", "third"):
            def wait_for_slot(name=name):
                with slots:
                    order.append(name)
            thread = threading.Thread(target=wait_for_slot)
            thread.start()
            threads.append(thread)
            wait_until(lambda n=len(threads): slots.waiting() == n)
        # The holder gives the slot back and at once asks again, as a worker does
        # between two cases: it must queue behind the three that waited.
        slots.release()
        slots.acquire()
        order.append("holder again")
        slots.release()
        for thread in threads:
            thread.join(5)
        self.assertEqual(order, ["first", "second", "third", "holder again"])

    def test_as_many_holders_as_slots(self):
        slots = FairSlots(2)
        inside, most = [0], [0]
        lock = threading.Lock()
        release = threading.Event()

        def hold():
            with slots:
                with lock:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                release.wait(5)
                with lock:
                    inside[0] -= 1
        threads = [threading.Thread(target=hold) for _ in range(5)]
        for thread in threads:
            thread.start()
        wait_until(lambda: slots.waiting() == 3)     # two inside, three queued
        release.set()
        for thread in threads:
            thread.join(5)
        self.assertEqual(most[0], 2)
        self.assertEqual(slots.waiting(), 0)

    def test_a_heavy_case_waits_for_its_slots_first_in_line(self):
        slots = FairSlots(2)
        order = []
        slots.acquire()                              # one of two slots taken

        def heavy():
            with slots.hold(2):
                order.append("heavy")

        def light():
            with slots.hold(1):
                order.append("light")
        first = threading.Thread(target=heavy)
        first.start()
        wait_until(lambda: slots.waiting() == 1)
        # One slot is free, but the heavy case asked first: the light one waits too.
        second = threading.Thread(target=light)
        second.start()
        wait_until(lambda: slots.waiting() == 2)
        self.assertEqual(order, [])
        slots.release()
        for thread in (first, second):
            thread.join(5)
        self.assertEqual(order, ["heavy", "light"])

    def test_more_than_all_slots_is_all_of_them(self):
        slots = FairSlots(2)
        with slots.hold(5):
            self.assertEqual(slots.waiting(), 0)
        self.assertEqual(slots.acquire(2), 2)        # all were given back

    def test_no_slots_is_an_error(self):
        with self.assertRaises(ValueError):
            FairSlots(0)


if __name__ == "__main__":
    unittest.main()
