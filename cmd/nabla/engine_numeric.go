package main

import _ "nabla/numeric" // registers numeric-forward, numeric-central, … with package gradients
