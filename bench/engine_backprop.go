package bench

import _ "nabla/backprop" // registers the "backprop" engine
