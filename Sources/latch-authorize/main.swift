import LatchCore

RouteTable.authorize.serve()
