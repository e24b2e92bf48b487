import LatchCore

RouteTable.tokens.serve()
