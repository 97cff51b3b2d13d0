package main

import _ "nabla/backprop" // registers the "backprop" engine
