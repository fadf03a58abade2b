def display_mode(request):
    mode = request.COOKIES.get("display_mode", "")
    return {"display_mode": mode if mode in {"large", "contrast"} else ""}
