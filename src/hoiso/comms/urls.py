from django.urls import path

from hoiso.comms import public, views

app_name = "comms"
urlpatterns = [
    path("channels/", views.channel_list, name="channels"),
    path("channels/new/", views.channel_new, name="channel_new"),
    path("channels/<int:pk>/edit/", views.channel_edit, name="channel_edit"),
    path("posts/", views.post_list, name="posts"),
    path("posts/new/", views.post_new, name="post_new"),
    path("posts/import/", views.post_import, name="post_import"),
    path("posts/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("news/new/", views.article_new, name="article_new"),
]

public_urlpatterns = [
    path("", public.news, name="news"),
    path("channels/", public.channels, name="channels"),
    path("news/<int:pk>/", public.article, name="article"),
    path("news/<int:pk>/picture.jpg", public.article_image, name="article_image"),
]
