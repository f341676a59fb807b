"""Messages out (issue 9): one durable outbox in Redis (queue.py, lua/), one sender per process (sender.py)
that delivers through WeChat's rules (transport.py), the organizer's view (routes.py). service.py wires them
into the app and is what the rest of the code calls: `await service.queue_messages(app, [Outgoing(...)])`."""
