package main

import _ "nabla/symbolic" // registers the "symbolic" engine
