/*
Nabla is the command-line front of the nabla lab. It is wiring only: it parses flags, calls
the library packages and prints what package reports renders.

Usage:

	nabla COMMAND [flags]

Run "nabla help" for the list of commands and "nabla help COMMAND" for a command's flags.
*/
package main
