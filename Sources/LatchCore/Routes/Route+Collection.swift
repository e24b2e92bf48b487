extension Route {
    /// The routes of a collection of the management API: `GET` (list) and `POST` (create) on
    /// `base`, `GET` (show), `PUT` (replace) and `DELETE` on `base/{id}`.
    static func collection(_ base: String, list: @escaping Handler, create: @escaping Handler, show: @escaping Handler,
                           replace: @escaping Handler, delete: @escaping Handler) -> [Route] {
        [
            Route(base, ["GET": list, "POST": create]),
            Route(base + "/{id}", ["GET": show, "PUT": replace, "DELETE": delete]),
        ]
    }
}
