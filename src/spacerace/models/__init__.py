"""Physical models: atmosphere, gravity, Earth shape and rotation, aerodynamics, propulsion."""
