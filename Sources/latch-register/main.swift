import LatchCore

RouteTable.register.serve()
