app_name = "scheduling"
urlpatterns: list = []  # type: ignore[type-arg]
