"""The compiled flight kernel: floats and arrays only.

``layout`` names every index; ``events`` is the event table; ``inputs`` what the kernel is
given and gives back; ``dynamics`` the equations of motion; ``integrate`` the Dormand-Prince
pieces; ``step`` one step with its events; ``loop`` the phase loop (``run``, and
``fly_phases``, the one way Python code runs it); ``output`` the tables, summaries and
batches. Nothing here imports the vehicle, mission, catalog or result types.
"""
