package bench

import _ "nabla/symbolic" // registers the "symbolic" engine
